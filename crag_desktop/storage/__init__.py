"""Storage: the SQLCipher engine, the schema and its migrations, repositories, audit trail."""
