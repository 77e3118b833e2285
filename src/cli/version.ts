/** venvkit's version, as `venvkit --version` prints it. */
export const VERSION = '0.1.0';
