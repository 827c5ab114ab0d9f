-- One database per service (run once by the postgres image on an empty volume).
CREATE DATABASE auth;
CREATE DATABASE patient;
CREATE DATABASE billing;
CREATE DATABASE analytics;
CREATE DATABASE notification;
