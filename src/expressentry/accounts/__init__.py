"""Accounts: users and roles (candidate, officer, analyst), argon2 passwords, sessions that
expire, the login rate limit, and secrets generated on first start."""

from expressentry.accounts.service import (
    ROLES,
    AccountError,
    Accounts,
    LoginRefused,
    LoginThrottled,
    Session,
    User,
)

__all__ = [
    "ROLES",
    "AccountError",
    "Accounts",
    "LoginRefused",
    "LoginThrottled",
    "Session",
    "User",
]
