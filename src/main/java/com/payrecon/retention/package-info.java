/**
 * Data lifecycle: the {@code data-retention} job, which keeps the tables bounded over years of operation by asking each
 * owning module to purge or archive its own old rows in small chunks (Spring Batch history, provider questions, raw
 * notifications moved to compressed archives, archived bills). It owns no table; it never touches the audit log.
 */
@NullMarked
package com.payrecon.retention;

import org.jspecify.annotations.NullMarked;
