// Prints the configuration table for README.md (between the config-table markers), from ENV_VARIABLES.
import { renderConfigTable } from '@mesh-momentum/common';

console.log(renderConfigTable());
