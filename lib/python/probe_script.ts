/**
 * The interpreter probe: a Python script embedded in dpip (uv's
 * `include_str!` pattern) that one spawn of the target interpreter runs to
 * report everything dpip needs to act on it, as one JSON document on stdout.
 *
 * It runs unchanged on Python 2.7 and 3.6 to 3.13: no f-strings, no walrus,
 * only the standard library, and it never imports site-packages code.
 *
 * What it reports (snake_case, see {@link ProbeOutput}):
 * - `marker_environment`: the PEP 508 marker variables, computed the way
 *   `packaging.markers.default_environment()` does.
 * - `tag_facts`: the `TagFacts` that compatible tags are computed from
 *   (sysconfig variables, `sysconfig.get_platform()`, glibc/musl/macOS
 *   versions, the ELF header of the executable), with the same keys.
 * - `schemes`: install paths from `sysconfig` for the default and user
 *   schemes, and for `--prefix` and `--home` (used for `--target`) with a
 *   sentinel prefix that dpip substitutes, so the cached result serves any prefix.
 * - `sys_path`, `prefix`, `base_prefix`, user site, venv facts, and the
 *   `EXTERNALLY-MANAGED` file's `Error*` keys.
 *
 * @module
 */

import type { TagFacts } from "../dists/tags.ts";

/** Bumped whenever the probe's output changes shape: part of the cache key. */
export const PROBE_VERSION = 1;

/** The sentinel the probe uses for `--prefix` / `--home` paths; dpip replaces it. */
export const PREFIX_SENTINEL = "/__dpip_prefix_sentinel__";

/** The install paths of one scheme, as the probe reports them. */
export interface ProbeSchemePaths {
  purelib: string;
  platlib: string;
  scripts: string;
  data: string;
  /** `sysconfig`'s `include` path. */
  include: string;
  /** Where pip puts a distribution's headers, before the distribution name is appended. */
  headers: string;
}

/** The probe's JSON output. */
export interface ProbeOutput {
  probe_version: number;
  executable: string;
  version_info: [number, number, number, string, number];
  marker_environment: Record<string, string>;
  /** Exactly the shape of `TagFacts` (lib/dists/tags.ts). */
  tag_facts: TagFacts;
  schemes: {
    default: ProbeSchemePaths;
    user: ProbeSchemePaths;
    prefix: ProbeSchemePaths;
    home: ProbeSchemePaths;
  };
  stdlib: string;
  sys_path: string[];
  prefix: string;
  base_prefix: string;
  exec_prefix: string;
  user_base: string | null;
  user_site: string | null;
  enable_user_site: boolean;
  site_packages: string[];
  is_venv: boolean;
  pyvenv_cfg: string | null;
  include_system_site_packages: boolean;
  externally_managed: { path: string; errors: Record<string, string> | null } | null;
}

/** The probe script. Run as `python -c PROBE_SCRIPT`; prints one JSON document. */
export const PROBE_SCRIPT = String.raw`
import json, os, platform, struct, sys, sysconfig

SENTINEL = "${PREFIX_SENTINEL}"

def full_version(info):
    v = "%d.%d.%d" % (info.major, info.minor, info.micro)
    if info.releaselevel != "final":
        v += info.releaselevel[0] + str(info.serial)
    return v

impl = getattr(sys, "implementation", None)
if impl is not None:
    implementation_name = impl.name
    implementation_version = full_version(impl.version)
else:
    implementation_name = ""
    implementation_version = "0"

marker_environment = {
    "implementation_name": implementation_name,
    "implementation_version": implementation_version,
    "os_name": os.name,
    "platform_machine": platform.machine(),
    "platform_release": platform.release(),
    "platform_system": platform.system(),
    "platform_version": platform.version(),
    "python_full_version": platform.python_version(),
    "platform_python_implementation": platform.python_implementation(),
    "python_version": ".".join(platform.python_version_tuple()[:2]),
    "sys_platform": sys.platform,
}

def config_var(name):
    value = sysconfig.get_config_var(name)
    if value is None or isinstance(value, (int, float)):
        return value
    return str(value)

def read_elf(path):
    try:
        f = open(path, "rb")
    except (IOError, OSError):
        return None, None
    try:
        ident = f.read(16)
        if len(ident) < 16 or ident[:4] != b"\x7fELF":
            return None, None
        elf_class = bytearray(ident)[4]
        elf_data = bytearray(ident)[5]
        if elf_class not in (1, 2) or elf_data not in (1, 2):
            return None, None
        e = "<" if elf_data == 1 else ">"
        if elf_class == 1:
            fmt = e + "HHIIIIIHHHHHH"
        else:
            fmt = e + "HHIQQQIHHHHHH"
        head = f.read(struct.calcsize(fmt))
        (_type, machine, _version, _entry, phoff, _shoff, flags, _ehsize,
         phentsize, phnum, _shentsize, _shnum, _shstrndx) = struct.unpack(fmt, head)
        header = {"elfClass": elf_class, "elfData": elf_data, "machine": machine, "flags": flags}
        interpreter = None
        for index in range(phnum):
            f.seek(phoff + phentsize * index)
            if elf_class == 1:
                pfmt = e + "IIIIIIII"
                p = struct.unpack(pfmt, f.read(struct.calcsize(pfmt)))
                p_type, p_offset, p_filesz = p[0], p[1], p[4]
            else:
                pfmt = e + "IIQQQQQQ"
                p = struct.unpack(pfmt, f.read(struct.calcsize(pfmt)))
                p_type, p_offset, p_filesz = p[0], p[2], p[5]
            if p_type == 3:
                f.seek(p_offset)
                interpreter = f.read(p_filesz).split(b"\0")[0].decode("ascii", "replace")
                break
        return header, interpreter
    except (IOError, OSError, struct.error, ValueError):
        return None, None
    finally:
        f.close()

def glibc_version():
    try:
        value = os.confstr("CS_GNU_LIBC_VERSION")
        if value:
            return value
    except (AttributeError, OSError, ValueError):
        pass
    try:
        import ctypes
        process = ctypes.CDLL(None)
        fn = process.gnu_get_libc_version
        fn.restype = ctypes.c_char_p
        value = fn()
        if not isinstance(value, str):
            value = value.decode("ascii")
        return "glibc " + value
    except Exception:
        return None

def musl_version(interpreter):
    if not interpreter or "musl" not in interpreter:
        return None
    try:
        import subprocess
        proc = subprocess.Popen([interpreter], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        _out, err = proc.communicate()
        lines = [l.strip() for l in err.decode("utf-8", "replace").splitlines() if l.strip()]
        if len(lines) < 2 or lines[0][:4] != "musl":
            return None
        import re
        m = re.match(r"Version (\d+)\.(\d+)", lines[1])
        if not m:
            return None
        return [int(m.group(1)), int(m.group(2))]
    except Exception:
        return None

def mac_version():
    if platform.system() != "Darwin":
        return None
    version = platform.mac_ver()[0]
    if version == "10.16":
        try:
            import subprocess
            env = dict(os.environ)
            env["SYSTEM_VERSION_COMPAT"] = "0"
            out = subprocess.Popen(
                [sys.executable, "-sS", "-c", "import platform; print(platform.mac_ver()[0])"],
                stdout=subprocess.PIPE, env=env).communicate()[0]
            version = out.decode("ascii").strip()
        except Exception:
            pass
    return version

elf, elf_interpreter = read_elf(sys.executable) if sys.platform.startswith("linux") else (None, None)

def version_pair(text):
    import re
    m = re.match(r"(\d+)\.(\d+)", text or "")
    if not m:
        return None
    return [int(m.group(1)), int(m.group(2))]

def extension_suffixes():
    try:
        import importlib.machinery
        return list(importlib.machinery.EXTENSION_SUFFIXES)
    except ImportError:
        import imp
        return [s for s, _mode, kind in imp.get_suffixes() if kind == imp.C_EXTENSION]

tag_facts = {
    "implementationName": implementation_name or platform.python_implementation().lower(),
    "pythonVersion": [sys.version_info[0], sys.version_info[1]],
    "system": platform.system(),
    "platform": sysconfig.get_platform(),
    "is32Bit": struct.calcsize("P") == 4,
    "configVars": dict((k, config_var(k)) for k in (
        "EXT_SUFFIX", "SOABI", "Py_DEBUG", "WITH_PYMALLOC", "Py_UNICODE_SIZE",
        "Py_GIL_DISABLED", "py_version_nodot", "PYEMSCRIPTEN_PLATFORM_VERSION")),
    "abiflags": getattr(sys, "abiflags", ""),
    "hasTotalRefcount": hasattr(sys, "gettotalrefcount"),
    "extensionSuffixes": extension_suffixes(),
    "maxUnicode": sys.maxunicode,
}
if sys.platform.startswith("linux"):
    glibc = glibc_version()
    tag_facts["glibcVersion"] = version_pair(glibc.split()[-1]) if glibc else None
    tag_facts["muslVersion"] = musl_version(elf_interpreter)
    tag_facts["executableElf"] = elf
if platform.system() == "Darwin":
    tag_facts["macVersion"] = version_pair(mac_version())
    tag_facts["macArch"] = platform.mac_ver()[2]
if sys.platform == "ios":
    try:
        tag_facts["iosVersion"] = version_pair(platform.ios_ver().release)
        tag_facts["multiarch"] = getattr(impl, "_multiarch", "")
    except Exception:
        pass
if sys.platform == "android":
    try:
        tag_facts["androidApiLevel"] = platform.android_ver().api_level
    except Exception:
        pass

base_prefix = getattr(sys, "base_prefix", getattr(sys, "real_prefix", sys.prefix))
is_venv = sys.prefix != base_prefix or hasattr(sys, "real_prefix")
py_xy = "%d.%d" % sys.version_info[:2]
schemes_available = sysconfig.get_scheme_names()

def preferred(kind):
    get = getattr(sysconfig, "get_preferred_scheme", None)
    if get is not None:
        return get(kind)
    if kind == "user":
        if sys.platform == "darwin" and sysconfig.get_config_var("PYTHONFRAMEWORK") and not is_venv:
            return "osx_framework_user"
        return os.name + "_user"
    if kind == "home":
        return os.name + "_home" if (os.name + "_home") in schemes_available else "posix_home"
    for name in (implementation_name + "_" + os.name, implementation_name,
                 os.name + "_prefix", os.name):
        if name in schemes_available:
            return name
    return "posix_prefix"

home_keys = ["installed_base", "base", "installed_platbase", "platbase", "prefix", "exec_prefix"]
if sysconfig.get_config_var("userbase") is not None:
    home_keys.append("userbase")

def scheme_paths(kind, base):
    name = preferred(kind)
    if kind == "prefix" and base is not None and name == "osx_framework_library":
        name = "posix_prefix"
    variables = {}
    if base is not None:
        for key in home_keys:
            variables[key] = base
    paths = sysconfig.get_paths(scheme=name, vars=variables)
    include = paths["include"]
    headers = include
    if is_venv:
        if kind == "user":
            header_base = sys.prefix
        else:
            header_base = variables.get("base", sys.prefix)
        headers = os.path.join(header_base, "include", "site", "python" + py_xy)
    return {"purelib": paths["purelib"], "platlib": paths["platlib"],
            "scripts": paths["scripts"], "data": paths["data"],
            "include": include, "headers": headers}

user_base = None
user_site = None
enable_user_site = False
site_packages = []
try:
    import site
    user_base = site.getuserbase() if hasattr(site, "getuserbase") else getattr(site, "USER_BASE", None)
    user_site = site.getusersitepackages() if hasattr(site, "getusersitepackages") else getattr(site, "USER_SITE", None)
    enable_user_site = bool(site.ENABLE_USER_SITE)
    if hasattr(site, "getsitepackages"):
        site_packages = list(site.getsitepackages())
except Exception:
    pass

pyvenv_cfg = None
include_system_site_packages = False
for candidate in (os.path.join(os.path.dirname(sys.executable), "pyvenv.cfg"),
                  os.path.join(os.path.dirname(os.path.dirname(sys.executable)), "pyvenv.cfg"),
                  os.path.join(sys.prefix, "pyvenv.cfg")):
    if os.path.isfile(candidate):
        pyvenv_cfg = candidate
        try:
            f = open(candidate)
            try:
                for line in f:
                    key, sep, value = line.partition("=")
                    if sep and key.strip().lower() == "include-system-site-packages":
                        include_system_site_packages = value.strip().lower() == "true"
            finally:
                f.close()
        except (IOError, OSError):
            pass
        break
if not is_venv:
    include_system_site_packages = True

stdlib = sysconfig.get_paths()["stdlib"]
externally_managed = None
marker_path = os.path.join(stdlib, "EXTERNALLY-MANAGED")
if os.path.isfile(marker_path):
    errors = None
    try:
        try:
            import configparser
            parser = configparser.ConfigParser(interpolation=None)
            parser.read(marker_path, encoding="utf-8")
        except ImportError:
            import ConfigParser as configparser
            parser = configparser.RawConfigParser()
            parser.read(marker_path)
        if parser.has_section("externally-managed"):
            errors = {}
            for key, value in parser.items("externally-managed"):
                errors[key] = value
    except Exception:
        errors = None
    externally_managed = {"path": marker_path, "errors": errors}

sys_path = sys.path[1:] if sys.path and sys.path[0] == "" else list(sys.path)

result = {
    "probe_version": ${PROBE_VERSION},
    "executable": sys.executable,
    "version_info": [sys.version_info[0], sys.version_info[1], sys.version_info[2],
                     sys.version_info[3], sys.version_info[4]],
    "marker_environment": marker_environment,
    "tag_facts": tag_facts,
    "schemes": {
        "default": scheme_paths("prefix", None),
        "user": scheme_paths("user", None),
        "prefix": scheme_paths("prefix", SENTINEL),
        "home": scheme_paths("home", SENTINEL),
    },
    "stdlib": stdlib,
    "sys_path": sys_path,
    "prefix": sys.prefix,
    "base_prefix": base_prefix,
    "exec_prefix": sys.exec_prefix,
    "user_base": user_base,
    "user_site": user_site,
    "enable_user_site": enable_user_site,
    "site_packages": site_packages,
    "is_venv": is_venv,
    "pyvenv_cfg": pyvenv_cfg,
    "include_system_site_packages": include_system_site_packages,
    "externally_managed": externally_managed,
}
sys.stdout.write(json.dumps(result))
`;
