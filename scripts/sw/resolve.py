SW = {
    "DuckDB (this server)": "DuckDB (seva hii)",
    "Apache Spark": "Apache Spark",
    "Engine": "Injini",
}
