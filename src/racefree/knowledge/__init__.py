"""What racefree knows about Python, frameworks and libraries, kept as data tables.

Each module holds tables, not logic: the analysis looks facts up here, so adding a framework or a
library is adding rows. `merged.Knowledge` puts the tables together with a project's own rows
from `[tool.racefree]`, once per run.
"""
