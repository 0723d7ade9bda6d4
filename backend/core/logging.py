"""Log format with the request id on every line. Bodies, tokens and query strings are never
logged: the access line names the route template, not the raw URL."""

import logging
import logging.config
from contextvars import ContextVar
from typing import Any

request_id_var: ContextVar[str] = ContextVar("request_id", default="-")

_base_factory = logging.getLogRecordFactory()


def _record_with_request_id(*args: Any, **kwargs: Any) -> logging.LogRecord:
    record = _base_factory(*args, **kwargs)
    record.request_id = request_id_var.get()
    return record


def install_request_id_records() -> None:
    """Every log record, from any library and to any handler, carries ``request_id``."""
    logging.setLogRecordFactory(_record_with_request_id)


def logging_config(level: str = "INFO") -> dict[str, Any]:
    """A dictConfig used by the app and handed to uvicorn, so its own lines match ours."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "default": {
                "format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s",
            }
        },
        "handlers": {
            "default": {
                "class": "logging.StreamHandler",
                "formatter": "default",
                "stream": "ext://sys.stderr",
            }
        },
        "root": {"handlers": ["default"], "level": level.upper()},
        "loggers": {
            "uvicorn": {"handlers": [], "propagate": True},
            "uvicorn.error": {"handlers": [], "propagate": True},
            # RequestContextMiddleware writes the access line, without the query string.
            "uvicorn.access": {"handlers": [], "propagate": False},
        },
    }


def configure_logging(level: str = "INFO") -> None:
    install_request_id_records()
    logging.config.dictConfig(logging_config(level))
    # The format names no source line, thread or process, so none is looked up for each
    # record: finding the caller walks the stack (the logging documentation's "Optimization").
    logging._srcfile = None
    logging.logThreads = False
    logging.logProcesses = False
    logging.logMultiprocessing = False
