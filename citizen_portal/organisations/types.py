"""What kind of organisation, in which sector: plain enums shared by the model,
the parsed plan and the FHIR profile."""

from __future__ import annotations

from enum import StrEnum


class OrganisationKind(StrEnum):
    REGION = "region"
    MUNICIPALITY = "municipality"
    GP_PRACTICE = "gp_practice"
    OTHER = "other"


class Sector(StrEnum):
    PSYCHIATRY = "psychiatry"
    SOMATIC_HOSPITAL = "somatic_hospital"
    SOCIAL_SERVICES = "social_services"
    ADDICTION = "addiction"
    EMPLOYMENT = "employment"
    HOUSING_SUPPORT = "housing_support"
    GENERAL_PRACTICE = "general_practice"
    PRIVATE_PSYCHIATRIST = "private_psychiatrist"
    PROBATION = "probation"
    OTHER = "other"
