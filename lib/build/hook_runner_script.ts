/**
 * The Python side of the PEP 517 frontend, embedded as a string (as the
 * interpreter probe is) and written to a temporary file for each build.
 *
 * `python hook_runner.py <hook> <input.json> <output.json>` reads
 * `{backend, backend_path, args}`, imports the backend (`module:object`,
 * with `backend-path` entries first on `sys.path` and checked to be where it
 * came from), calls the hook with `args` positionally (as PEP 517 frontends
 * do: backends name the parameters as they like) and writes one result:
 *
 * - `{"kind": "ok", "value": ...}`
 * - `{"kind": "missing-hook"}` for a mandatory hook the backend lacks
 *   (optional `get_requires_*` hooks default to `[]`)
 * - `{"kind": "backend-unavailable" | "backend-invalid" | "hook-failed", "message": ..., "traceback": ...}`
 *
 * stderr is redirected into stdout at the file-descriptor level, so the
 * frontend reads one merged stream (compilers' output included). Backends
 * need Python 3.7 or newer; older interpreters get a clear result instead of
 * a syntax error, so the script itself stays Python 2 compatible.
 *
 * @module
 */

/** The hook runner's source. */
export const HOOK_RUNNER_SCRIPT = String.raw`
import importlib, json, os, sys, traceback

OPTIONAL_HOOKS = ("get_requires_for_build_wheel", "get_requires_for_build_editable")


class BackendInvalid(Exception):
    pass


def inside(path, roots):
    path = os.path.normcase(os.path.realpath(path))
    for root in roots:
        root = os.path.normcase(os.path.realpath(root))
        if path == root or path.startswith(root.rstrip(os.sep) + os.sep):
            return True
    return False


def load_backend(spec, backend_path):
    roots = [os.path.abspath(entry) for entry in backend_path]
    sys.path[:0] = roots
    module_name, _, object_path = spec.partition(":")
    backend = importlib.import_module(module_name)
    if roots and not inside(getattr(backend, "__file__", None) or "", roots):
        raise BackendInvalid(
            repr(module_name) + " was imported from " + repr(getattr(backend, "__file__", None))
            + ", not from backend-path " + repr(backend_path)
        )
    for attribute in filter(None, object_path.split(".")):
        backend = getattr(backend, attribute)
    return backend


def run(hook, request):
    try:
        backend = load_backend(request["backend"], request["backend_path"])
    except BackendInvalid as error:
        return {"kind": "backend-invalid", "message": str(error)}
    except BaseException as error:
        return {"kind": "backend-unavailable", "message": describe(error),
                "traceback": traceback.format_exc()}
    function = getattr(backend, hook, None)
    if function is None:
        if hook in OPTIONAL_HOOKS:
            return {"kind": "ok", "value": []}
        return {"kind": "missing-hook"}
    try:
        return {"kind": "ok", "value": function(*request["args"])}
    except BaseException as error:
        if isinstance(error, KeyboardInterrupt):
            raise
        # The first frame is this runner's; the backend's start after it.
        frames = traceback.format_exception(type(error), error, error.__traceback__.tb_next)
        return {"kind": "hook-failed", "message": describe(error), "traceback": "".join(frames)}


def describe(error):
    text = str(error).strip().splitlines()
    return type(error).__name__ + (": " + text[-1] if text else "")


def main():
    hook, input_path, output_path = sys.argv[1:4]
    sys.stdout.flush()
    os.dup2(sys.stdout.fileno(), sys.stderr.fileno())
    if sys.version_info < (3, 7):
        result = {"kind": "hook-failed",
                  "message": "building needs Python 3.7 or newer, not " + sys.version.split()[0]}
    else:
        with open(input_path, encoding="utf-8") as stream:
            result = run(hook, json.load(stream))
    sys.stdout.flush()
    if result.get("traceback"):
        sys.stdout.write(result["traceback"])
    try:
        text = json.dumps(result)
    except (TypeError, ValueError):
        text = json.dumps({"kind": "hook-failed", "message": "it returned " + repr(result["value"])
                           + ", which is not a JSON value"})
    with open(output_path, "wb") as stream:
        stream.write(text.encode("utf-8"))


main()
`;

/**
 * The `sitecustomize.py` that isolates a build: it drops the interpreter's own
 * site-packages (system and user, and the paths their `.pth` files add) from
 * `sys.path`, then adds the build environment with `site.addsitedir` so its
 * `.pth` files run. `%ENV_DIR%` is replaced with the environment's path as a
 * JSON string (which is also a Python string literal).
 */
export const ISOLATION_SITECUSTOMIZE = String.raw`
import os, site, sys


def _dpip_isolate(env_dir):
    def norm(path):
        return os.path.normcase(os.path.abspath(path))

    own = list(site.getsitepackages()) if hasattr(site, "getsitepackages") else []
    if hasattr(site, "getusersitepackages"):
        own.append(site.getusersitepackages())
    dropped = set()
    for directory in own:
        dropped.add(norm(directory))
        try:
            names = sorted(os.listdir(directory))
        except OSError:
            continue
        for name in names:
            if not name.endswith(".pth"):
                continue
            try:
                with open(os.path.join(directory, name), encoding="utf-8") as stream:
                    lines = stream.read().splitlines()
            except (OSError, UnicodeDecodeError):
                continue
            for line in lines:
                line = line.rstrip()
                if line and not line.startswith(("#", "import ", "import\t")):
                    dropped.add(norm(os.path.join(directory, line)))
    sys.path[:] = [entry for entry in sys.path if norm(entry) not in dropped]
    site.addsitedir(env_dir)


_dpip_isolate(%ENV_DIR%)
`;
