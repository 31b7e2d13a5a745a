/**
 * dpip's own lint rules, run by `deno lint` (see `lint.plugins` in deno.json)
 * and over `lib/` by `tests/source_rules_test.ts`.
 *
 * - `dpip/no-spread-argument`: no `f(...items)` or `new C(...items)` in
 *   `lib/`. Every argument takes a stack slot, so a spread of a list that
 *   package data can make long (index links, METADATA lines, entry points)
 *   overflows the stack past ~125,000 items. Loop instead (`for … push`,
 *   `reduce`). A spread of an array literal (`push(...[a, b])`) is bounded and
 *   allowed; any other bounded spread needs
 *   `// deno-lint-ignore dpip/no-spread-argument -- why it is bounded`.
 * - `dpip/no-error-code-compare`: no `error.code === '…'` (or `!==`, `==`,
 *   `!=`, `switch (error.code)`) in `lib/`: test errors with `isDpipError(error,
 *   "code")`, which the type checker holds to the registered codes.
 * - `dpip/no-dynamic-regexp`: no `RegExp(text)` built at run time in `lib/`, so
 *   that every regular expression is a literal that `tests/source_rules_test.ts`
 *   can prove free of super-linear backtracking. A pattern that must be built
 *   needs `// deno-lint-ignore dpip/no-dynamic-regexp -- why it is linear`.
 * - `dpip/max-function-lines`: no function over 80 lines in `lib/operations/`
 *   or `lib/installer/`, where the install pipeline's phases live: a phase
 *   that needs more is several steps, each a function with a name.
 *
 * @module
 */

/** Whether the file being linted is part of the library (`lib/`). */
function inLibrary(filename: string): boolean {
  return /(^|[\\/])lib[\\/]/.test(filename);
}

function isCodeMember(node: Deno.lint.Node): boolean {
  return node.type === "MemberExpression" && !node.computed &&
    node.property.type === "Identifier" && node.property.name === "code";
}

function isStringLiteral(node: Deno.lint.Node): boolean {
  return (node.type === "Literal" && typeof node.value === "string") ||
    node.type === "TemplateLiteral";
}

const noSpreadArgument: Deno.lint.Rule = {
  create(context) {
    if (!inLibrary(context.filename)) return {};
    const check = (node: Deno.lint.CallExpression | Deno.lint.NewExpression) => {
      for (const argument of node.arguments) {
        if (argument.type !== "SpreadElement") continue;
        if (argument.argument.type === "ArrayExpression") continue;
        context.report({
          node: argument,
          message: "spread of a list into a call's arguments: a long list overflows the stack",
          hint: "loop over it (for … of with push, or reduce) instead",
        });
      }
    };
    return { CallExpression: check, NewExpression: check };
  },
};

const noErrorCodeCompare: Deno.lint.Rule = {
  create(context) {
    if (!inLibrary(context.filename)) return {};
    const message = "error code compared as text";
    const hint = 'use isDpipError(error, "code") from lib/errors.ts';
    return {
      BinaryExpression(node) {
        if (!["===", "!==", "==", "!="].includes(node.operator)) return;
        if (
          (isCodeMember(node.left) && isStringLiteral(node.right)) ||
          (isCodeMember(node.right) && isStringLiteral(node.left))
        ) context.report({ node, message, hint });
      },
      SwitchStatement(node) {
        if (isCodeMember(node.discriminant)) context.report({ node, message, hint });
      },
    };
  },
};

const noDynamicRegexp: Deno.lint.Rule = {
  create(context) {
    if (!inLibrary(context.filename)) return {};
    const check = (node: Deno.lint.CallExpression | Deno.lint.NewExpression) => {
      if (node.callee.type !== "Identifier" || node.callee.name !== "RegExp") return;
      const pattern = node.arguments[0];
      if (pattern?.type === "Literal" && typeof pattern.value === "string") return;
      context.report({
        node,
        message: "regular expression built at run time: it cannot be checked for backtracking",
        hint: "write it as a literal, or say why it is linear in a deno-lint-ignore comment",
      });
    };
    return { CallExpression: check, NewExpression: check };
  },
};

/** The longest function `dpip/max-function-lines` allows, in lines. */
export const MAX_FUNCTION_LINES = 80;

/** Whether the file is one of the pipeline's (`lib/operations/`, `lib/installer/`). */
function inPipeline(filename: string): boolean {
  return /(^|[\\/])lib[\\/](operations|installer)[\\/]/.test(filename);
}

const maxFunctionLines: Deno.lint.Rule = {
  create(context) {
    if (!inPipeline(context.filename)) return {};
    const text = context.sourceCode.text;
    const check = (
      node:
        | Deno.lint.FunctionDeclaration
        | Deno.lint.FunctionExpression
        | Deno.lint.ArrowFunctionExpression,
    ) => {
      let lines = 1;
      for (let i = text.indexOf("\n", node.range[0]); i !== -1 && i < node.range[1];) {
        lines++;
        i = text.indexOf("\n", i + 1);
      }
      if (lines <= MAX_FUNCTION_LINES) return;
      context.report({
        node,
        message: `function of ${lines} lines (at most ${MAX_FUNCTION_LINES})`,
        hint: "split it into steps, each a function with a name",
      });
    };
    return {
      FunctionDeclaration: check,
      FunctionExpression: check,
      ArrowFunctionExpression: check,
    };
  },
};

/**
 * The plugin: the rules `dpip/no-spread-argument`, `dpip/no-error-code-compare`,
 * `dpip/no-dynamic-regexp`, `dpip/max-function-lines`.
 */
const plugin: Deno.lint.Plugin = {
  name: "dpip",
  rules: {
    "no-spread-argument": noSpreadArgument,
    "no-error-code-compare": noErrorCodeCompare,
    "no-dynamic-regexp": noDynamicRegexp,
    "max-function-lines": maxFunctionLines,
  },
};

export default plugin;
