-- Addresses and the lettings at them. The checks repeat the models' rules so
-- that no path into the database (a script, a future importer) can store
-- what the site would refuse.
CREATE TABLE lettings_address (
    id {{.ID}},
    number INTEGER NOT NULL CHECK (number BETWEEN 0 AND 9999),
    street VARCHAR(64) NOT NULL CHECK (length(street) BETWEEN 1 AND 64),
    city VARCHAR(64) NOT NULL CHECK (length(city) BETWEEN 1 AND 64),
    state VARCHAR(2) NOT NULL CHECK (length(state) = 2),
    zip_code INTEGER NOT NULL CHECK (zip_code BETWEEN 0 AND 99999),
    country_iso_code VARCHAR(3) NOT NULL CHECK (length(country_iso_code) = 3)
);
--bun:split
CREATE TABLE lettings_letting (
    id {{.ID}},
    title VARCHAR(256) NOT NULL CHECK (length(title) BETWEEN 1 AND 256),
    -- UNIQUE makes it one-to-one; CASCADE deletes a letting with its address.
    address_id BIGINT NOT NULL UNIQUE REFERENCES lettings_address (id) ON DELETE CASCADE
);
--bun:split
-- Lettings are listed by title, on the public site and in the admin.
CREATE INDEX lettings_letting_title ON lettings_letting (title);
--bun:split
INSERT INTO auth_permission (app_label, model, codename, name) VALUES
    ('lettings', 'address', 'add_address', 'Can add address'),
    ('lettings', 'address', 'change_address', 'Can change address'),
    ('lettings', 'address', 'delete_address', 'Can delete address'),
    ('lettings', 'address', 'view_address', 'Can view address'),
    ('lettings', 'letting', 'add_letting', 'Can add letting'),
    ('lettings', 'letting', 'change_letting', 'Can change letting'),
    ('lettings', 'letting', 'delete_letting', 'Can delete letting'),
    ('lettings', 'letting', 'view_letting', 'Can view letting');
