"""Record forms: built in code, they give a draft record and show errors; screens save."""
