"""The results chart is a valid plotly figure of the shares of respondents."""

import plotly.graph_objects as go

from coalition.consultations.charts import answer_bars
from coalition.consultations.results import Count, QuestionResult


def test_the_bars_are_a_valid_plotly_figure_in_question_order() -> None:
    result = QuestionResult(
        question=None,  # type: ignore[arg-type]
        respondents=4,
        counts=[Count("Oui", 3, 75.0), Count("Non", 1, 25.0)],
        mean=None,
        texts=[],
        approved=0,
        pending=0,
    )
    figure = answer_bars(result, percent_label="% des personnes")
    checked = go.Figure(figure)  # raises on anything plotly does not know
    assert list(checked.data[0].y) == ["Non", "Oui"]  # drawn bottom-up: "Oui" on top
    assert list(checked.data[0].x) == [25.0, 75.0]
    assert checked.layout.xaxis.title.text == "% des personnes"
