-- Macros and views over the tables of schema.sql. They hold no data, so every connection
-- creates them in its own in-memory catalog (DuckLake keeps tables, not macros); they name
-- the store's tables unqualified, found through the connection's search path.

-- The value in force for every key: rows of undone batches never are; where several active
-- or superseded batches carry the same key, final figures beat preliminary ones and a newer
-- batch beats an older one. Superseded batches stay in observation, untouched.
-- The macro takes the measures to read (NULL: all), so that the ranking runs only over the
-- rows asked for, however much else is stored.
CREATE OR REPLACE MACRO memory.main.observation_in_force(measures) AS TABLE
SELECT o.* EXCLUDE (rank_in_key)
FROM (
    SELECT o.*, coalesce(b.is_example, false) AS from_example,
           row_number() OVER (
               PARTITION BY o.source, o.measure, o.region_code, o.year, o.month, o.sex,
                            o.age_group
               ORDER BY o.preliminary ASC, b.loaded_at DESC, b.id DESC
           ) AS rank_in_key
    FROM observation AS o
    JOIN load_batch AS b ON b.id = o.batch_id
    WHERE b.state <> 'undone' AND (measures IS NULL OR list_contains(measures, o.measure))
) AS o
WHERE o.rank_in_key = 1;

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
