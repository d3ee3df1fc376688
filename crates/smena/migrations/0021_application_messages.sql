-- A family and the coordinators write to each other about an application
-- (issue 15 item 4): the thread is on the application's page, and each
-- message is e-mailed to the other side. It goes with the application.
CREATE TABLE application_messages (
    id BIGINT PRIMARY KEY,
    application_id BIGINT NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
    author_id BIGINT NOT NULL,
    from_family BIGINT NOT NULL,
    body TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX application_messages_thread ON application_messages(application_id, created_at);
