/** Load-and-fault soak run: see the file body (work in progress). */
console.log("soak: not yet implemented");
