"""One small exception tree.

:class:`UserError` and its subclasses are mistakes the user can fix (bad file, bad setting,
bad schedule): the CLI prints their one-line message and exits with code 2, the app shows it.
Anything else is a bug and exits with code 1.
"""

from __future__ import annotations

__all__ = [
    "AudioError",
    "LyricsError",
    "ModelError",
    "RunError",
    "ScheduleError",
    "SettingsError",
    "UserError",
    "VideoError",
]


class UserError(Exception):
    """A mistake in the user's input; the message says what was wrong and what to do."""


class SettingsError(UserError):
    """A settings file or flag has an unknown key, a wrong type or a bad value."""


class ScheduleError(SettingsError):
    """A keyframe schedule or expression cannot be parsed or evaluated."""


class AudioError(UserError):
    """The audio file is missing, empty, truncated or not audio."""


class LyricsError(UserError):
    """A lyrics file or lyrics tag cannot be read (bad time, not text, too large)."""


class ModelError(UserError):
    """A model cannot be found or loaded."""


class RunError(UserError):
    """A run folder or timestring is wrong (unknown timestring, refused resume)."""


class VideoError(UserError):
    """The video cannot be built (no frames, ffmpeg failure on user data)."""
