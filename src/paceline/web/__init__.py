"""paceline.web: the browser app (edge) — Plan, Formation editor, Training log.

``paceline web`` starts :func:`create_app` under uvicorn. Pages are Jinja2 templates (the Plan
page includes the same ``plan_body.html`` as the static report), with htmx, Leaflet and uPlot
vendored in ``static/vendor`` (nothing fetched from a CDN). The app renders and calls
orchestrators (``paceline.plan``, ``paceline.formation``, ``paceline.log``) and the store; it
runs no physics of its own.
"""

from paceline.web.app import WebConfig, create_app

__all__ = ["WebConfig", "create_app"]
