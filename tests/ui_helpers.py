"""Driving the app from tests: settle workers, type text."""

from __future__ import annotations


async def settle(pilot, rounds: int = 3) -> None:
    for _ in range(rounds):
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def type_text(pilot, text: str) -> None:
    for char in text:
        await pilot.press(char if char != " " else "space")


def table_column(table, index: int = 0) -> list[str]:
    return [str(table.get_row_at(row)[index]) for row in range(table.row_count)]
