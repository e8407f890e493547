-- Macros and views over the tables of schema.sql. They hold no data, so every connection
-- creates them in its own in-memory catalog (DuckLake keeps tables, not macros); they name
-- the store's tables unqualified, found through the connection's search path.

-- The value in force for every key: observation.in_force, kept by loading.refresh_in_force in
-- the transaction of every load and undo (rows of undone batches never are in force; where
-- several batches carry the same key, final figures beat preliminary ones and a newer batch
-- beats an older one). Superseded rows stay in observation.
-- The macro takes the measures to read (NULL: all).
CREATE OR REPLACE MACRO memory.main.observation_in_force(measures) AS TABLE
SELECT o.* EXCLUDE (in_force), coalesce(b.is_example, false) AS from_example
FROM observation AS o
JOIN load_batch AS b ON b.id = o.batch_id
WHERE o.in_force AND (measures IS NULL OR list_contains(measures, o.measure));

CREATE OR REPLACE VIEW memory.main.observation_current AS SELECT * FROM observation_in_force(NULL);

-- Population in force: the newest batch in force per key.
CREATE OR REPLACE VIEW memory.main.population_current AS
SELECT p.* EXCLUDE (rank_in_key)
FROM (
    SELECT p.*,
           row_number() OVER (
               PARTITION BY p.region_code, p.year, p.sex, p.age_group
               ORDER BY b.loaded_at DESC, b.id DESC
           ) AS rank_in_key
    FROM population AS p
    JOIN load_batch AS b ON b.id = p.batch_id
    WHERE b.state <> 'undone'
) AS p
WHERE p.rank_in_key = 1;
