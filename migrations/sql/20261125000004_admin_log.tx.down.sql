DROP TABLE admin_logentry;
