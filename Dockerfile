# The API image for production: talks to Neo4j 5 (see docker-compose.yml).
FROM python:3.11-slim
WORKDIR /app
COPY pyproject.toml README.md ./
COPY kam ./kam
COPY graph ./graph
COPY api ./api
COPY scoring ./scoring
COPY seeds ./seeds
RUN pip install --no-cache-dir . && useradd --create-home kam
USER kam
ENV KAM_DB=neo4j \
    KAM_API_HOST=0.0.0.0 \
    KAM_API_PORT=8000
EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=5s --retries=5 \
  CMD python -c "import urllib.request,sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/api/v1/health').status == 200 else 1)"
CMD ["kam", "serve"]
