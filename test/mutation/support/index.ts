export { judgeMutant, LAYERS, type LayerName, type LayerVerdict } from "./layers.ts";
export { MUTANTS, type Mutant } from "./mutants.ts";
