/**
 * The p8e command as a library: its command tree, address conversion and error type.
 * @module
 */

export { ADDRESS_KINDS, type AddressInfo, addressInfo } from "./address.js";
export { CliError, type CliErrorCode, isCliError } from "./errors.js";
export { createProgram, describeError } from "./program.js";
