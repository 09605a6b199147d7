"""Driving the app from tests: settle workers, type text."""

from __future__ import annotations

import asyncio


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


async def wait_until(pilot, app, condition, what: str, attempts: int = 100) -> None:
    """Debounced searches and checks answer a little later: wait for what a person would see."""
    for _ in range(attempts):
        await settle(pilot)
        if condition():
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"never happened: {what}")
