"""Scoring profiles: province/year rule sets kept as TOML data, validated on load, selected by
--profile or by the report's region and fiscal year."""

from jixiao.profiles.loader import (
    DEFAULT_PROFILE,
    available_profiles,
    get_profile,
    load_profile,
    profile_from_dict,
    select_profile,
)
from jixiao.profiles.model import Profile

__all__ = [
    "DEFAULT_PROFILE",
    "Profile",
    "available_profiles",
    "get_profile",
    "load_profile",
    "profile_from_dict",
    "select_profile",
]
