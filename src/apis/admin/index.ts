export { createAdminApp, type AdminAppOptions } from "./app.ts";
export { ADMIN_HOST, startAdminListener, type AdminListener } from "./listener.ts";
export { importWorkflow, type WorkflowImport } from "./workflow-import.ts";
export { ADMIN_FILE_NAME, readAdminFile, removeAdminFile, writeAdminFile, type AdminEntry } from "./admin-file.mjs";
export { AdminRequestError, createAdminClient, type AdminClient } from "./admin-client.mjs";
