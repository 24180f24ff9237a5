DROP TABLE reference_data;
