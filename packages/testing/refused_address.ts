/**
 * `127.0.0.1:9`: a loopback address where nothing listens, so a connection to it is refused at
 * once. A port taken from the system and closed again would do only until the system gives it to
 * another test's server, as it may while suites run side by side.
 */
export const REFUSED_ADDRESS = "127.0.0.1:9";
