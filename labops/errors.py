"""One error family: the message of each is the one line a person sees."""


class LabopsError(Exception):
    """Base of every error labops reports to a person instead of a traceback."""

    exit_code = 1


class InputError(LabopsError):
    """Something given to labops (a file, an argument, a form field) is not acceptable."""


class NotFound(LabopsError):
    """A record named by the user does not exist."""


class Conflict(LabopsError):
    """The data changed under the user's feet (another operator, a stale plan)."""

    exit_code = 3


class PermissionDenied(LabopsError):
    """The acting person's role does not allow the action."""

    exit_code = 4


class StorageError(LabopsError):
    """The database cannot be opened, migrated or written."""


class FixtureError(InputError):
    """A platform file has problems; ``problems`` holds one line per problem."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))
