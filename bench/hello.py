"""The baseline of the load benchmark: a bare FastAPI hello-world, served by the same uvicorn
settings as the product, so each endpoint's requests/s is read as a share of the framework's."""

from fastapi import FastAPI

app = FastAPI()


@app.get("/hello")
async def hello() -> dict[str, str]:
    return {"message": "Hello, world"}
