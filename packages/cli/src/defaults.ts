/** Defaults the commands and their `--help` share. */

/** `paystate serve`. */
export const DEFAULT_PORT = 8080;
export const DEFAULT_HOST = '127.0.0.1';

/** `paystate demo`: the store's folder, relative to the working directory, and the chaos. */
export const DEMO_DIR = '.paystate';
export const DEMO_CHAOS = 'duplicate,delay,reorder,drop';
