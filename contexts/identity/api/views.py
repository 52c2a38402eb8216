"""Identity's HTTP doors: validate the input, call one use case (or simplejwt), render.

The `/auth/*` endpoints anyone may call share the stricter per-IP throttle (`THROTTLE_AUTH`).
Like every route, they answer a bad or expired bearer token with 401 (ARCHITECTURE.md §5):
a client refreshes or signs in without sending its stale access token.
"""

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework_simplejwt.exceptions import InvalidToken

from contexts.identity.api.serializers import (
    CredentialsSerializer,
    LogoutSerializer,
    PasswordChangeSerializer,
    PasswordResetConfirmSerializer,
    PasswordResetRequestSerializer,
    ProfileUpdateSerializer,
    RefreshSerializer,
    RegistrationSerializer,
    TokenPairSerializer,
    UserSerializer,
)
from contexts.identity.application.ports import RefreshTokenRefused
from contexts.identity.application.services import (
    identity_sessions,
    identity_use_cases,
)
from contexts.identity.domain.account import UserId
from shared_kernel.api.schema import (
    INVALID_INPUT,
    PROBLEM_JSON,
    TOO_MANY_REQUESTS,
    UNAUTHENTICATED,
    problem,
)
from shared_kernel.api.throttling import AuthRateThrottle
from shared_kernel.api.views import caller_id, validated

TAGS = ["auth"]


def _caller_id(request: Request) -> UserId:
    return UserId(caller_id(request))


class PublicAuthView(APIView):
    permission_classes = (AllowAny,)
    throttle_classes = (AuthRateThrottle,)


class RegisterView(PublicAuthView):
    @extend_schema(
        tags=TAGS,
        summary="Open a customer account",
        request=RegistrationSerializer,
        responses={
            201: UserSerializer,
            (400, PROBLEM_JSON): INVALID_INPUT,
            (409, PROBLEM_JSON): problem("The email is already registered, in any case."),
            (429, PROBLEM_JSON): TOO_MANY_REQUESTS,
        },
    )
    def post(self, request: Request) -> Response:
        data = validated(RegistrationSerializer, request)
        account = identity_use_cases().register_user(
            email=data["email"], password=data["password"], full_name=data["full_name"]
        )
        return Response(UserSerializer(account).data, status=status.HTTP_201_CREATED)


class TokenView(PublicAuthView):
    @extend_schema(
        tags=TAGS,
        summary="Sign in: email and password for an access and a refresh token",
        description=(
            "Repeated failures lock sign-in for a cool-off (15 minutes by default), the right "
            "password included: 5 for one account from any addresses, 20 from one address "
            "for any accounts (ADR 0015). A locked sign-in is a 429 `sign-in-locked-out` "
            "problem with `Retry-After`, whether or not the account exists."
        ),
        request=CredentialsSerializer,
        responses={
            200: TokenPairSerializer,
            (400, PROBLEM_JSON): INVALID_INPUT,
            (401, PROBLEM_JSON): problem("Wrong email or password, or a deactivated account."),
            (429, PROBLEM_JSON): problem(
                "Too many requests from this client, or sign-in locked after repeated "
                "failures for this account or from this address; see `Retry-After`."
            ),
        },
    )
    def post(self, request: Request) -> Response:
        return Response(validated(CredentialsSerializer, request))


class TokenRefreshView(PublicAuthView):
    @extend_schema(
        tags=TAGS,
        summary="Trade a refresh token for a new pair (the old refresh token is blacklisted)",
        description=(
            "A refresh token works once. Presenting one that was already traded signs out "
            "the whole session it came from (every refresh token since that sign-in): "
            "a stolen copy and the rightful client cannot both go on."
        ),
        request=RefreshSerializer,
        responses={
            200: TokenPairSerializer,
            (400, PROBLEM_JSON): INVALID_INPUT,
            (401, PROBLEM_JSON): problem(
                "The refresh token is invalid, expired, blacklisted or already used, or the "
                "account's password changed or it was deactivated since it was issued."
            ),
            (429, PROBLEM_JSON): TOO_MANY_REQUESTS,
        },
    )
    def post(self, request: Request) -> Response:
        data = validated(RefreshSerializer, request)
        try:
            pair = identity_sessions().refresh(data["refresh"])
        except RefreshTokenRefused as refused:
            raise InvalidToken(refused.detail) from refused
        return Response({"access": pair.access, "refresh": pair.refresh})


class LogoutView(APIView):
    permission_classes = (IsAuthenticated,)
    throttle_classes = (AuthRateThrottle,)

    @extend_schema(
        tags=TAGS,
        summary="Sign out: blacklist one of your refresh tokens",
        request=LogoutSerializer,
        responses={
            204: None,
            (400, PROBLEM_JSON): problem(
                "The refresh token is invalid, expired or already blacklisted."
            ),
            (401, PROBLEM_JSON): UNAUTHENTICATED,
            (403, PROBLEM_JSON): problem("The refresh token belongs to another account."),
            (429, PROBLEM_JSON): TOO_MANY_REQUESTS,
        },
    )
    def post(self, request: Request) -> Response:
        data = validated(LogoutSerializer, request)
        identity_use_cases().sign_out(user_id=_caller_id(request), refresh_token=data["refresh"])
        return Response(status=status.HTTP_204_NO_CONTENT)


class PasswordResetView(PublicAuthView):
    @extend_schema(
        tags=TAGS,
        summary="Ask for a password-reset email",
        description="Always 202, whether or not the address has an account.",
        request=PasswordResetRequestSerializer,
        responses={
            202: None,
            (400, PROBLEM_JSON): INVALID_INPUT,
            (429, PROBLEM_JSON): TOO_MANY_REQUESTS,
        },
    )
    def post(self, request: Request) -> Response:
        data = validated(PasswordResetRequestSerializer, request)
        # The same work for every address: the account is looked up later, off this
        # request, so its timing cannot tell who has one (ADR 0019).
        identity_use_cases().ask_for_password_reset(email=data["email"])
        return Response(status=status.HTTP_202_ACCEPTED)


class PasswordResetConfirmView(PublicAuthView):
    @extend_schema(
        tags=TAGS,
        summary="Choose a new password with a reset token",
        description="The token works once, before it expires; every session is signed out.",
        request=PasswordResetConfirmSerializer,
        responses={
            204: None,
            (400, PROBLEM_JSON): problem("Weak password, or a token unknown, used or expired."),
            (429, PROBLEM_JSON): TOO_MANY_REQUESTS,
        },
    )
    def post(self, request: Request) -> Response:
        data = validated(PasswordResetConfirmSerializer, request)
        identity_use_cases().confirm_password_reset(token=data["token"], password=data["password"])
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeView(APIView):
    permission_classes = (IsAuthenticated,)

    @extend_schema(
        tags=["me"],
        summary="Your profile",
        responses={200: UserSerializer, (401, PROBLEM_JSON): UNAUTHENTICATED},
    )
    def get(self, request: Request) -> Response:
        # The account authentication just loaded (and checked): one query, not two (ADR 0022).
        return Response(UserSerializer(request.user).data)

    @extend_schema(
        tags=["me"],
        summary="Change your profile (only `full_name`; other fields are ignored)",
        request=ProfileUpdateSerializer,
        responses={
            200: UserSerializer,
            (400, PROBLEM_JSON): INVALID_INPUT,
            (401, PROBLEM_JSON): UNAUTHENTICATED,
            (409, PROBLEM_JSON): problem("The account changed meanwhile (staff): reload, retry."),
        },
    )
    def patch(self, request: Request) -> Response:
        data = validated(ProfileUpdateSerializer, request, partial=True)
        if "full_name" not in data:
            return Response(UserSerializer(request.user).data)
        account = identity_use_cases().change_profile(
            user_id=_caller_id(request), full_name=data["full_name"]
        )
        return Response(UserSerializer(account).data)


class MePasswordView(APIView):
    permission_classes = (IsAuthenticated,)
    throttle_classes = (AuthRateThrottle,)

    @extend_schema(
        tags=["me"],
        summary="Change your password; every token of the account stops working, this one too",
        request=PasswordChangeSerializer,
        responses={
            204: None,
            (400, PROBLEM_JSON): problem("Wrong current password, or a weak new one."),
            (401, PROBLEM_JSON): UNAUTHENTICATED,
            (409, PROBLEM_JSON): problem("The account changed meanwhile: retry."),
            (429, PROBLEM_JSON): TOO_MANY_REQUESTS,
        },
    )
    def post(self, request: Request) -> Response:
        data = validated(PasswordChangeSerializer, request)
        identity_use_cases().change_password(
            user_id=_caller_id(request),
            current_password=data["current_password"],
            new_password=data["new_password"],
        )
        return Response(status=status.HTTP_204_NO_CONTENT)
