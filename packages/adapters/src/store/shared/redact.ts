/** Hides passwords in connection strings that might appear in driver messages. */
export const redact = (message: string): string =>
  message.replace(/([a-z][a-z0-9+.-]*:\/\/[^:/@\s]*):[^@\s]*@/gi, '$1:***@');
