// Peer benchmark: run N instances of one BPMN process in bpmn-engine 25, in memory.
//
// Usage (run from the npm project that has bpmn-engine installed; run.sh copies
// this file there, because ES module imports resolve from the file's folder):
//   node bpmn_engine_bench.mjs FILE --process ID [--vars JSON] [--instances N] [--user-tasks K]
//
// Prints one JSON line:
//   {"engine": "bpmn-engine", "version": "25.0.1", "process": "seq3",
//    "instances": N, "seconds": s, "per_second": x}
//
// What is timed: N instances run one after another (sequentially: the engine
// runs on one thread, so concurrency would only interleave the same work).
// Each instance is a new Engine({ name, sourceContext, variables }) that is
// executed with a listener whose `wait` handler signals every user task as
// soon as it is waiting; the instance must emit `end` (an `error` fails the
// run), and with --user-tasks it must have completed exactly K user tasks.
//
// Parsing: the XML is parsed and serialized ONCE, before the timer starts
// (bpmn-moddle + moddle-context-serializer, the engine's own `sourceContext`
// option), the same as the SpiffWorkflow side, which parses once and
// instantiates the spec N times. Passing `source` to each Engine would re-parse
// the XML for every instance; that measures the XML parser, not the engine.
//
// Making the shared BPMN files mean the same thing in bpmn-engine (so that both
// peers take the same path and complete the same number of user tasks):
//
// 1. Conditions. The files carry plain formal expressions (`amount > 1000`,
//    `objections > 0`), which SpiffWorkflow evaluates as Python. bpmn-engine
//    only substitutes `${...}` templates; any other condition body resolves to
//    the string itself, which is truthy, so out of the box it would take
//    `f_high` whatever the amount and `f_explain` whatever the objections
//    (7 user tasks instead of 6 on approval). No file is edited and no script
//    is run: the engine's documented `expressions` option gets a resolver that
//    evaluates the one form these files use, `<variable> <op> <number>`
//    (op: > >= < <= == !=), against environment.variables, and delegates
//    everything else to the engine's default resolver. A flow condition of any
//    other plain form makes the run fail at load time instead of silently
//    taking a branch.
// 2. Timer literal. approval.bpmn's boundary timer is `"P5D"` (a quoted string
//    expression, as Spiff evaluates it). The same resolver turns a quoted
//    literal into its content, so the engine arms a P5D timer; it is
//    non-interrupting and is discarded when ut_decide completes, as in Spiff.
// 3. Multi-instance collection. bpmn-engine reads a collection only from
//    `behaviour.collection` (camunda:collection); bpmn-moddle drops the standard
//    `<loopDataInputRef>departments</loopDataInputRef>` as an unresolved
//    reference (it names a process variable, not a BPMN element). An `extendFn`
//    maps it to collection `${environment.variables.departments}` with element
//    variable `department` (the inputDataItem's name), which yields one parallel
//    user task per department: 3 for ["a","b","c"].

import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { EventEmitter } from 'node:events';
import { performance } from 'node:perf_hooks';

import { Engine } from 'bpmn-engine';
import * as elements from 'bpmn-elements';
import BpmnModdle from 'bpmn-moddle';
import { default as serialize, TypeResolver } from 'moddle-context-serializer';

// bpmn-engine's "exports" does not expose package.json: find it above the resolved entry.
function packageVersion(name) {
  let dir = dirname(createRequire(import.meta.url).resolve(name));
  while (dir !== dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      const pkg = JSON.parse(readFileSync(manifest, 'utf8'));
      if (pkg.name === name) return pkg.version;
    }
    dir = dirname(dir);
  }
  throw new Error(`no package.json found for ${name}`);
}
const ENGINE_VERSION = packageVersion('bpmn-engine');

function parseArgs(argv) {
  const args = { vars: '{}', instances: 10000, userTasks: null, file: null, process: null };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => {
      if (i + 1 >= argv.length) throw new Error(`${a} needs a value`);
      return argv[++i];
    };
    if (a === '--process') args.process = next();
    else if (a === '--vars') args.vars = next();
    else if (a === '--instances') args.instances = Number.parseInt(next(), 10);
    else if (a === '--user-tasks') args.userTasks = Number.parseInt(next(), 10);
    else if (a.startsWith('--')) throw new Error(`unknown option ${a}`);
    else if (!args.file) args.file = a;
    else throw new Error(`unexpected argument ${a}`);
  }
  if (!args.file || !args.process) throw new Error('usage: bpmn_engine_bench.mjs FILE --process ID [--vars JSON] [--instances N] [--user-tasks K]');
  if (!Number.isInteger(args.instances) || args.instances < 1) throw new Error('--instances must be a positive integer');
  return args;
}

// ---- expressions: the engine's default resolver plus the two plain forms used by the files
const COMPARISON = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*(>=|<=|==|!=|>|<)\s*(-?\d+(?:\.\d+)?)\s*$/;
const QUOTED = /^\s*(?:"([^"]*)"|'([^']*)')\s*$/;

function compile(text) {
  if (typeof text !== 'string' || text.includes('${')) return null;
  let m = COMPARISON.exec(text);
  if (m) {
    const [, name, op, num] = m;
    const rhs = Number(num);
    const cmp = {
      '>': (a) => a > rhs,
      '>=': (a) => a >= rhs,
      '<': (a) => a < rhs,
      '<=': (a) => a <= rhs,
      '==': (a) => a === rhs,
      '!=': (a) => a !== rhs,
    }[op];
    return (context) => {
      const value = context?.environment?.variables?.[name];
      if (value === undefined) throw new Error(`condition "${text}": variable ${name} is not set`);
      return cmp(value);
    };
  }
  m = QUOTED.exec(text);
  if (m) {
    const literal = m[1] ?? m[2];
    return () => literal;
  }
  return null;
}

function makeExpressions() {
  const base = new elements.Environment().expressions;
  const cache = new Map();
  return {
    ...base,
    resolveExpression(templatedString, context, expressionFnContext) {
      let fn = cache.get(templatedString);
      if (fn === undefined) {
        fn = compile(templatedString);
        cache.set(templatedString, fn);
      }
      if (fn) return fn(context);
      return base.resolveExpression(templatedString, context, expressionFnContext);
    },
  };
}

// ---- parse once
async function loadSourceContext(file) {
  const xml = readFileSync(file, 'utf8');
  const moddleContext = await new BpmnModdle().fromXML(xml.trim());

  // activity id -> name of the variable given as loopDataInputRef
  const loopInputs = new Map();
  for (const w of moddleContext.warnings || []) {
    if (w.property === 'bpmn:loopDataInputRef' && w.element?.$parent?.id) {
      loopInputs.set(w.element.$parent.id, w.value);
    } else {
      throw new Error(`${file}: ${w.message}`);
    }
  }

  function extendFn(element) {
    const lc = element.loopCharacteristics?.behaviour;
    if (lc && loopInputs.has(element.id) && !lc.collection) {
      lc.collection = `\${environment.variables.${loopInputs.get(element.id)}}`;
      if (lc.inputDataItem?.name) lc.elementVariable = lc.inputDataItem.name;
    }
    const body = element.conditionExpression?.body;
    if (element.conditionExpression && !element.conditionExpression.language && body && !body.includes('${') && !compile(body)) {
      throw new Error(`${file}: condition on ${element.id} ("${body}") has no equivalent here`);
    }
  }

  return serialize(moddleContext, TypeResolver(elements), extendFn);
}

function runInstance(name, sourceContext, expressions, variables) {
  return new Promise((resolve, reject) => {
    let userTasks = 0;
    const listener = new EventEmitter();
    listener.on('wait', (api) => {
      if (api.type === 'bpmn:UserTask') {
        userTasks++;
        api.signal();
      }
    });
    const engine = new Engine({ name, sourceContext, expressions, variables });
    engine.once('end', () => resolve(userTasks));
    engine.once('error', (err) => reject(err));
    engine.execute({ listener }).catch(reject);
  });
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const varsText = args.vars;
  if (typeof JSON.parse(varsText) !== 'object') throw new Error('--vars must be a JSON object');

  const sourceContext = await loadSourceContext(args.file);
  if (!sourceContext.getProcessById(args.process)) throw new Error(`${args.file}: no process ${args.process}`);
  const expressions = makeExpressions();

  const begin = performance.now();
  for (let i = 0; i < args.instances; i++) {
    // A fresh copy per instance, as on the Spiff side.
    const done = await runInstance(`${args.process}-${i}`, sourceContext, expressions, JSON.parse(varsText));
    if (args.userTasks !== null && done !== args.userTasks) {
      throw new Error(`instance ${i} of ${args.process}: ${done} user tasks completed, expected ${args.userTasks}`);
    }
  }
  const seconds = (performance.now() - begin) / 1000;

  const result = {
    engine: 'bpmn-engine',
    version: ENGINE_VERSION,
    process: args.process,
    instances: args.instances,
    seconds: Math.round(seconds * 10000) / 10000,
    per_second: Math.round((args.instances / seconds) * 10) / 10,
  };
  // Same spacing as Python's json.dumps, so the lines of both peers look alike.
  const fields = Object.entries(result).map(([k, v]) => `${JSON.stringify(k)}: ${JSON.stringify(v)}`);
  process.stdout.write(`{${fields.join(', ')}}\n`);
}

main().catch((err) => {
  console.error(err?.stack || String(err));
  process.exit(1);
});
