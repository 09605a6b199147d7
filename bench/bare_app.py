"""The start-up baseline for bench/startup.py: a bare Textual app with a Header, a DataTable
filled with 100 rows and a Footer, started the same way as fieldlog (same interpreter, same
terminal). Its rows look like the Participants list so one detector finds both."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.widgets import DataTable, Footer, Header

FAMILY = ("TRAORÉ", "COULIBALY", "KEÏTA", "DIARRA", "MAÏGA", "TOURÉ", "CISSÉ", "DIALLO")
GIVEN = ("Moussa", "Aminata", "Seydou", "Bakary", "Hawa", "Oumar", "Mariam", "Issa")


class BareApp(App):
    TITLE = "barebench"
    BINDINGS = [("ctrl+q", "quit", "Quit")]

    def compose(self) -> ComposeResult:
        yield Header()
        yield DataTable(cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("Name", "Sex", "Agency", "Function", "Country")
        for n in range(100):
            table.add_row(
                f"{FAMILY[n % len(FAMILY)]} {GIVEN[n % len(GIVEN)]}", "Male" if n % 2 else "Female",
                f"POL{n}", "Commissaire de police", "Mali", key=str(n),
            )
        table.focus()


if __name__ == "__main__":
    BareApp().run()
