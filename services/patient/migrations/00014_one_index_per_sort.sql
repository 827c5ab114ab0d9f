-- One index per sort field: a descending sort (`-name`, `-dateOfBirth`, `-registeredDate`) reads
-- the ascending index backwards and orders only equal keys by id (an Incremental Sort), as
-- services/patient/store/patient_indexes_test.ts checks with EXPLAIN on 20,000 patients. The three
-- descending copies cost every create and update an index entry each and served nothing else.
drop index patients_name_desc_order;
drop index patients_birth_desc_order;
drop index patients_registered_desc_order;
