export const EXTERNALS: string[];
export function bundleLibrary(entry: string, outfile: string): Promise<string>;
export function bundlePage(entry: string, outfile: string): Promise<string>;
export function bundleWorker(entry: string, outfile: string): Promise<string>;
export function importMap(prefix: string): { imports: Record<string, string> };
export function buildBrowser(options?: { outdir?: string; vendor?: boolean }): Promise<{ library: string; bytes: number; gzipBytes: number; vendorBytes?: number }>;
