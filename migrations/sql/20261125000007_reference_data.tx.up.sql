-- Remembers which sets of reference data `app migrate` has loaded, so that
-- loading happens once: rows staff later edit or delete are never brought back.
CREATE TABLE reference_data (
    name VARCHAR(100) PRIMARY KEY,
    loaded_at {{.Timestamp}} NOT NULL
);
