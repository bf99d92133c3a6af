/* The fast path of PolicySet.value(): a few dict hits and a bisect, in C.
 *
 * A Lookup holds the policy set's value tables (see policyset.py: by parameter,
 * then region code; with one breakdown by parameter, name and value, then region
 * code) and the pure-Python value() as its fallback. A call the tables answer
 * directly returns the same object the Python path returns; anything else (a table
 * not built yet, several breakdowns, arguments that are not plain strings, a day
 * that is not YYYY-MM-DD on the calendar, a keyword that names a positional
 * parameter) goes to the fallback unchanged, so argument errors and table building
 * stay in one place (Python). Tables are built only for arguments the fallback
 * checked, so an unknown region, parameter or dimension value never finds one here.
 *
 * Why C: at 3,000 regions a lookup is memory-bound, and the Python call with
 * **breakdown plus the body cost about as much as the memory (docs/performance.md).
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stddef.h>
#include <structmember.h>

typedef struct {
    PyObject_HEAD
    PyObject *tables;   /* {parameter: {code: table}} */
    PyObject *tables1;  /* {parameter: {name: {value: {code: table}}}} */
    PyObject *fallback; /* value(code, parameter, day, **breakdown) in Python */
    vectorcallfunc vectorcall;
} Lookup;

static PyObject *positional_names[3]; /* "code", "parameter", "day" */

/* Whether `day` (an exact str) is a real calendar day written YYYY-MM-DD in ASCII
 * digits, as `model.days.is_day` says; any other goes to the fallback, which raises.
 * Ten byte compares: the lookup's cost does not change measurably. */
static int
valid_day(PyObject *day)
{
    static const int month_days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (!PyUnicode_IS_ASCII(day) || PyUnicode_GET_LENGTH(day) != 10) {
        return 0;
    }
    const Py_UCS1 *s = PyUnicode_1BYTE_DATA(day);
    for (int i = 0; i < 10; i++) {
        if (i == 4 || i == 7 ? s[i] != '-' : (s[i] < '0' || s[i] > '9')) {
            return 0;
        }
    }
    int year = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
    int month = (s[5] - '0') * 10 + (s[6] - '0');
    int mday = (s[8] - '0') * 10 + (s[9] - '0');
    if (year < 1 || month < 1 || month > 12 || mday < 1) {
        return 0;
    }
    int leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    return mday <= month_days[month - 1] + (month == 2 && leap);
}

/* dict[key] as a borrowed reference; NULL (no error set) when `dict` is NULL or not
 * a dict, or the key is missing. Keys are exact str here, so hashing cannot fail. */
static PyObject *
item(PyObject *dict, PyObject *key)
{
    if (dict == NULL || !PyDict_CheckExact(dict)) {
        return NULL;
    }
    return PyDict_GetItemWithError(dict, key);
}

static int
names_positional(PyObject *name)
{
    for (int i = 0; i < 3; i++) {
        if (name == positional_names[i]
            || PyUnicode_Compare(name, positional_names[i]) == 0) {
            return 1;
        }
    }
    return 0;
}

/* The answer from the tables, a new reference; NULL without an error set when the
 * call is not one the tables answer (the caller then asks the fallback); NULL with an
 * error set on failure. `name` and `value`: the one breakdown keyword, or NULL. */
static PyObject *
answer(Lookup *self, PyObject *code, PyObject *parameter, PyObject *day, PyObject *name,
       PyObject *value)
{
    PyObject *by_code, *table;
    if (!PyUnicode_CheckExact(code) || !PyUnicode_CheckExact(parameter)
        || !PyUnicode_CheckExact(day) || !valid_day(day)) {
        return NULL;
    }
    if (name == NULL) {
        by_code = item(self->tables, parameter);
    }
    else {
        if (!PyUnicode_CheckExact(name) || !PyUnicode_CheckExact(value)
            || names_positional(name)) {
            return NULL;
        }
        by_code = item(item(item(self->tables1, parameter), name), value);
    }
    table = item(by_code, code);
    if (table == NULL || !PyTuple_CheckExact(table)) {
        return NULL;
    }
    /* (h, break_1 .. break_h-1, None, answer_0 .. answer_h-1); answer_i holds from
     * break_i on, answer_0 before any break. */
    Py_ssize_t n = PyTuple_GET_SIZE(table);
    Py_ssize_t h = n > 0 ? PyLong_AsSsize_t(PyTuple_GET_ITEM(table, 0)) : -1;
    if (h < 1 || n != 2 * h + 1) {
        PyErr_Clear();
        return NULL;
    }
    Py_ssize_t lo = 1, hi = h; /* bisect_right(table, day, 1, h) */
    while (lo < hi) {
        Py_ssize_t mid = lo + (hi - lo) / 2;
        PyObject *brk = PyTuple_GET_ITEM(table, mid);
        int cmp = brk == day ? 0 : PyUnicode_Compare(day, brk);
        if (cmp == -1 && PyErr_Occurred()) {
            return NULL;
        }
        if (cmp < 0) {
            hi = mid;
        }
        else {
            lo = mid + 1;
        }
    }
    return Py_NewRef(PyTuple_GET_ITEM(table, h + lo));
}

static PyObject *
lookup_vectorcall(PyObject *op, PyObject *const *args, size_t nargsf, PyObject *kwnames)
{
    Lookup *self = (Lookup *)op;
    Py_ssize_t nargs = PyVectorcall_NARGS(nargsf);
    Py_ssize_t nkw = kwnames == NULL ? 0 : PyTuple_GET_SIZE(kwnames);
    if (nargs == 3 && nkw <= 1) {
        PyObject *result = answer(self, args[0], args[1], args[2],
                                  nkw ? PyTuple_GET_ITEM(kwnames, 0) : NULL,
                                  nkw ? args[3] : NULL);
        if (result != NULL || PyErr_Occurred()) {
            return result;
        }
    }
    return PyObject_Vectorcall(self->fallback, args, nargsf, kwnames);
}

static PyObject *
lookup_new(PyTypeObject *type, PyObject *args, PyObject *kwargs)
{
    PyObject *tables, *tables1, *fallback;
    static char *kwlist[] = {"tables", "tables1", "fallback", NULL};
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "O!O!O:Lookup", kwlist, &PyDict_Type,
                                     &tables, &PyDict_Type, &tables1, &fallback)) {
        return NULL;
    }
    if (!PyCallable_Check(fallback)) {
        PyErr_SetString(PyExc_TypeError, "Lookup: fallback must be callable");
        return NULL;
    }
    Lookup *self = (Lookup *)type->tp_alloc(type, 0);
    if (self == NULL) {
        return NULL;
    }
    self->tables = Py_NewRef(tables);
    self->tables1 = Py_NewRef(tables1);
    self->fallback = Py_NewRef(fallback);
    self->vectorcall = lookup_vectorcall;
    return (PyObject *)self;
}

static int
lookup_traverse(Lookup *self, visitproc visit, void *arg)
{
    Py_VISIT(self->tables);
    Py_VISIT(self->tables1);
    Py_VISIT(self->fallback);
    return 0;
}

static int
lookup_clear(Lookup *self)
{
    Py_CLEAR(self->tables);
    Py_CLEAR(self->tables1);
    Py_CLEAR(self->fallback);
    return 0;
}

static void
lookup_dealloc(Lookup *self)
{
    PyObject_GC_UnTrack(self);
    lookup_clear(self);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static PyObject *
lookup_repr(Lookup *self)
{
    return PyUnicode_FromFormat("<C lookup in front of %R>", self->fallback);
}

static PyMemberDef lookup_members[] = {
    /* inspect.signature() and help() follow __wrapped__ to the Python value(). */
    {"__wrapped__", T_OBJECT, offsetof(Lookup, fallback), READONLY, NULL},
    {NULL},
};

static PyTypeObject LookupType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "policykit.model._lookup.Lookup",
    .tp_doc = PyDoc_STR("Lookup(tables, tables1, fallback): PolicySet.value() in C."),
    .tp_basicsize = sizeof(Lookup),
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC | Py_TPFLAGS_HAVE_VECTORCALL,
    .tp_new = lookup_new,
    .tp_dealloc = (destructor)lookup_dealloc,
    .tp_traverse = (traverseproc)lookup_traverse,
    .tp_clear = (inquiry)lookup_clear,
    .tp_vectorcall_offset = offsetof(Lookup, vectorcall),
    .tp_call = PyVectorcall_Call,
    .tp_members = lookup_members,
    .tp_repr = (reprfunc)lookup_repr,
};

static struct PyModuleDef lookup_module = {
    PyModuleDef_HEAD_INIT,
    .m_name = "policykit.model._lookup",
    .m_doc = "The C fast path of PolicySet.value() (optional; policyset.py has the same in Python).",
    .m_size = -1,
};

PyMODINIT_FUNC
PyInit__lookup(void)
{
    static const char *names[3] = {"code", "parameter", "day"};
    for (int i = 0; i < 3; i++) {
        if (positional_names[i] == NULL) {
            positional_names[i] = PyUnicode_InternFromString(names[i]);
            if (positional_names[i] == NULL) {
                return NULL;
            }
        }
    }
    if (PyType_Ready(&LookupType) < 0) {
        return NULL;
    }
    PyObject *module = PyModule_Create(&lookup_module);
    if (module == NULL) {
        return NULL;
    }
    if (PyModule_AddObjectRef(module, "Lookup", (PyObject *)&LookupType) < 0) {
        Py_DECREF(module);
        return NULL;
    }
    return module;
}
