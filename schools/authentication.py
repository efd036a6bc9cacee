"""API authentication that reads the teacher profile with the token. It lives with schools,
not accounts, because it reads schools' Teacher: accounts knows nothing of schools."""

from django.db import connection
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from accounts.models import ApiToken, User
from core.tokens import token_hash
from schools.models import Teacher


class TokenAuthentication(authentication.TokenAuthentication):
    """DRF's token authentication in one plain SQL statement that also reads the user's
    teacher profile, so that scoping a request costs no further round trip. Every API call
    passes through here, which is why it skips the ORM's statement building.

    The key is looked up by its SHA-256 (accounts.models.ApiToken) and must not have expired;
    an expired key answers like an unknown one."""

    @cached_property
    def _sql(self) -> str:
        user_columns = ", ".join(f'u."{field.column}"' for field in User._meta.concrete_fields)
        teacher_columns = ", ".join(f'p."{field.column}"' for field in Teacher._meta.concrete_fields)
        return (
            f'SELECT {user_columns}, {teacher_columns} FROM "{ApiToken._meta.db_table}" t '
            f'JOIN "{User._meta.db_table}" u ON u."id" = t."user_id" '
            f'LEFT JOIN "{Teacher._meta.db_table}" p ON p."user_id" = u."id" '
            f'WHERE t."key_hash" = %s AND t."expires" > %s'
        )

    def authenticate_credentials(self, key: str) -> tuple[User, str]:
        with connection.cursor() as cursor:
            now = connection.ops.adapt_datetimefield_value(timezone.now())
            cursor.execute(self._sql, [token_hash(key), now])
            row = cursor.fetchone()
        if row is None:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        user_fields = [field.attname for field in User._meta.concrete_fields]
        user = User.from_db(connection.alias, user_fields, row[: len(user_fields)])
        if not user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        teacher_values = row[len(user_fields) :]
        if teacher_values[0] is not None:
            teacher = Teacher.from_db(
                connection.alias, [f.attname for f in Teacher._meta.concrete_fields], teacher_values
            )
            User.teacher.related.set_cached_value(user, teacher)
            Teacher.user.field.set_cached_value(teacher, user)
        else:
            User.teacher.related.set_cached_value(user, None)
        return user, key
