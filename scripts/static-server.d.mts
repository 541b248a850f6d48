export interface StaticServer {
  /** e.g. http://127.0.0.1:40123/ */
  url: string;
  close(): Promise<void>;
}

export function startServer(options: { routes: Record<string, string>; host?: string; port?: number }): Promise<StaticServer>;
