-- The order timeline (console, support) lists the operator actions recorded against one order ("order:{id}"):
-- an index on the target keeps that a range read however long the audit log grows.
CREATE INDEX ix_audit_entry_target ON audit_entry (target, id);
