/** How to reach a running server's admin listener. */
export interface AdminEntry {
  url: string;
  token: string;
  pid: number;
}
export declare const ADMIN_FILE_NAME: string;
export declare function writeAdminFile(file: string, entry: AdminEntry): Promise<void>;
export declare function removeAdminFile(file: string, token: string): void;
export declare function readAdminFile(file: string): Promise<AdminEntry | undefined>;
