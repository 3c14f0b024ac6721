/** The shell protocol: commands and file transfers between a caller (the console) and the shell task. */
package org.microsim.abi.shell;
