// Entry of sgraph's vendored bundle: graphology, sigma.js and @sigma/utils as one global.
import Graph from "graphology";
import Sigma from "sigma";
import * as rendering from "sigma/rendering";
import * as sigmaUtils from "sigma/utils";
import * as utils from "@sigma/utils";
window.sgraphVendor = {
  Graph: Graph, Sigma: Sigma, rendering: rendering, sigmaUtils: sigmaUtils, utils: utils
};
