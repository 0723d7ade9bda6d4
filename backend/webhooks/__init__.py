"""Signed webhooks for integrators: endpoints their service clients register, the events sent
to them (queued in the caller's transaction by ``service.emit``), and their delivery by the
worker, signed as the Standard Webhooks specification says."""
