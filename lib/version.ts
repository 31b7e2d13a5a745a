/** dpip's own version, printed by `dpip --version`. */
export const DPIP_VERSION = "0.1.0";
