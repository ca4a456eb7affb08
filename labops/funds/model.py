"""Fund pools: the platform's capital pools that projects are paid from."""

from __future__ import annotations

from sqlmodel import Field, SQLModel

from labops.columns import enum_type
from labops.vocabulary import PoolKind


class FundPool(SQLModel, table=True):
    __tablename__ = "fund_pool"
    id: str = Field(primary_key=True)
    name: str
    kind: PoolKind = Field(sa_type=enum_type(PoolKind), sa_column_kwargs={"unique": True})
    budget_cents: int = 0
