"""Fund pools: the platform's capital pools that projects are paid from.

One model family (see ``labops.equipment.model``): the fields once, under the platform
file's names; the table and the file's entry (also the edit form) derive from them.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from labops.columns import enum_type
from labops.fields import ENTRY, Money, Name, Slug
from labops.vocabulary import PoolKind


class FundPoolFields(SQLModel):
    id: Slug = Field(primary_key=True, title="Id")
    name: Name = Field(title="Name")
    kind: PoolKind = Field(
        sa_type=enum_type(PoolKind),
        sa_column_kwargs={"unique": True},
        title="Kind",
        description="one pool of each kind",
    )
    budget: Money = Field(title="Budget")
    enforce_budget: bool = Field(
        default=False,
        sa_column_kwargs={"server_default": sa.false()},
        title="Enforce budget",
        description="plans keep its projects' spending within its budget",
    )


class FundPool(FundPoolFields, table=True):
    __tablename__ = "fund_pool"


class FundPoolSpec(FundPoolFields):
    model_config = ENTRY
