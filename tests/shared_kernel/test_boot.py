from django.test import Client


def test_liveness_answers_while_the_process_runs(client: Client) -> None:
    assert client.get("/health/live").status_code == 200
