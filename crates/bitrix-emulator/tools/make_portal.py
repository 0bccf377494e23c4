#!/usr/bin/env python3
"""Writes the default portal description in ../portal/ (run by hand, not at build time).

Usage: python3 tools/make_portal.py FIXTURES_DIR   (from the crate: ../../fixtures)

The system-field parts come from the fixture responses (real example responses from the
official docs); the custom parts (user fields, pipelines, smart processes) are written here in
the same shapes. The emulator embeds the generated JSON files with include_str!, so the
product never reads the fixtures directory at run time. Output is deterministic: re-running
the script on the same fixtures gives byte-identical files.
"""

import json
import re
import sys
from pathlib import Path

FIX = Path(sys.argv[1])
OUT = Path(__file__).resolve().parent.parent / "portal"

TIME = {
    "start": 1752146147.312812,
    "finish": 1752146147.354549,
    "duration": 0.04173684120178223,
    "processing": 0.00507807731628418,
    "date_start": "2025-07-10T14:15:47+03:00",
    "date_finish": "2025-07-10T14:15:47+03:00",
    "operating_reset_at": 1752146747,
    "operating": 0,
}


def load(name):
    return json.loads((FIX / name).read_text())


def dump(name, body):
    text = json.dumps(body, ensure_ascii=False, indent=4) + "\n"
    (OUT / name).write_text(text)


# ---- naming: the documented UPPER -> camel algorithm (bitrix-api.md section 2) ----

REGULAR = [
    re.compile(r"^[A-Z_]+$"),
    re.compile(r"^UF_CRM_\d{1,4}_[\d_]+$"),
    re.compile(r"^UF_CRM_\d{1,4}_[A-Z_]+$"),
]


def upper_to_camel(upper):
    if any(r.match(upper) for r in REGULAR) or not upper.upper().startswith("UF_"):
        marked = re.sub(r"(\d)_(\d)", r"\1#\2", upper).lower()
        parts = [p for p in marked.split("_") if p]
        camel = "".join(p[:1].upper() + p[1:] for p in parts)
        camel = camel[:1].lower() + camel[1:]
        return camel.replace("#", "_")
    if upper.startswith("UF_CRM_"):
        return "ufCrm_" + upper[len("UF_CRM_"):]
    return "uf" + upper[len("UF_"):]


# Classic UPPER name -> (crm.item camel name, crm.item upperName) where they differ from the
# algorithm (bitrix-api.md section 2, "System field renames").
RENAMES_ALL = {
    "DATE_CREATE": ("createdTime", "CREATED_TIME"),
    "DATE_MODIFY": ("updatedTime", "UPDATED_TIME"),
    "CREATED_BY_ID": ("createdBy", "CREATED_BY"),
    "MODIFY_BY_ID": ("updatedBy", "UPDATED_BY"),
    "MOVED_BY_ID": ("movedBy", "MOVED_BY"),
    "OBSERVER_IDS": ("observers", "OBSERVERS"),
}
RENAMES = {
    "lead": {
        "STATUS_ID": ("stageId", "STAGE_ID"),
        "STATUS_SEMANTIC_ID": ("stageSemanticId", "STAGE_SEMANTIC_ID"),
    },
    "company": {"COMPANY_TYPE": ("typeId", "TYPE_ID")},
}
MULTIFIELDS = {"PHONE", "EMAIL", "WEB", "IM", "LINK"}

# ---- user fields (the custom part of the portal) ----

uf_id = [7000]
enum_id = [40]


def next_uf_id():
    uf_id[0] += 1
    return str(uf_id[0])


def enum_items(values):
    items = []
    for i, v in enumerate(values):
        enum_id[0] += 2
        items.append({"ID": str(enum_id[0]), "SORT": str((i + 1) * 10), "VALUE": v,
                      "DEF": "N", "XML_ID": f"xml{enum_id[0]}"})
    return items


SETTINGS = {
    "string": {"SIZE": 20, "ROWS": 1, "REGEXP": "", "MIN_LENGTH": 0, "MAX_LENGTH": 0,
               "DEFAULT_VALUE": ""},
    "enumeration": {"DISPLAY": "LIST", "LIST_HEIGHT": 1, "CAPTION_NO_VALUE": "",
                    "SHOW_NO_VALUE": "Y"},
    "boolean": {"DEFAULT_VALUE": 0, "DISPLAY": "CHECKBOX", "LABEL": ["", ""],
                "LABEL_CHECKBOX": ""},
    "money": {"DEFAULT_VALUE": ""},
    "date": {"DEFAULT_VALUE": {"TYPE": "NONE", "VALUE": ""}},
    "datetime": {"DEFAULT_VALUE": {"TYPE": "NONE", "VALUE": ""}, "USE_SECOND": "Y",
                 "USE_TIMEZONE": "N"},
    "file": {"SIZE": 20, "LIST_WIDTH": 0, "LIST_HEIGHT": 0, "MAX_SHOW_SIZE": 0,
             "MAX_ALLOWED_SIZE": 0, "EXTENSIONS": [], "TARGET_BLANK": "Y"},
    "double": {"PRECISION": 2, "SIZE": 20, "MIN_VALUE": 0, "MAX_VALUE": 0,
               "DEFAULT_VALUE": None},
    "integer": {"SIZE": 20, "MIN_VALUE": 0, "MAX_VALUE": 0, "DEFAULT_VALUE": None},
    "url": {"POPUP": "Y", "SIZE": 20, "MIN_LENGTH": 0, "MAX_LENGTH": 0, "DEFAULT_VALUE": "",
            "ROWS": 1},
    "address": {"SHOW_MAP": "Y"},
    "employee": {},
}


def uf(name, typ, label, multiple=False, values=None, settings=None):
    s = dict(SETTINGS.get(typ, {}))
    if settings is not None:
        s = settings
    return {"name": name, "type": typ, "label": label, "multiple": multiple,
            "list": enum_items(values) if values else None, "settings": s, "id": next_uf_id()}


USER_FIELDS = {
    "deal": [
        uf("UF_CRM_DELIVERY", "enumeration", "Delivery", values=["Курьер", "Самовывоз",
                                                                 "Почта России"]),
        uf("UF_CRM_1700000001", "enumeration", "Priority", values=["Low", "Medium", "High"]),
        uf("UF_CRM_1700000002", "boolean", "Paid"),
        uf("UF_CRM_1700000003", "money", "Budget"),
        uf("UF_CRM_1700000004", "date", "Payment date"),
        uf("UF_CRM_1700000005", "crm", "Partner",
           settings={"LEAD": "N", "CONTACT": "Y", "COMPANY": "Y", "DEAL": "N"}),
        uf("UF_CRM_1700000006", "file", "Contract"),
        uf("UF_CRM_1700000007", "string", "Tags", multiple=True),
        uf("UF_CRM_1700000008", "enumeration", "Channels", multiple=True,
           values=["Email", "Phone", "Telegram"]),
        uf("UF_CRM_1700000009", "double", "Discount"),
        uf("UF_CRM_HELLO_WORLD", "string", "Hello world"),
    ],
    "lead": [
        uf("UF_CRM_1704817278", "string", "Referral code"),
        uf("UF_CRM_1708952993785", "boolean", "Newsletter"),
        uf("UF_CRM_1706782596092", "enumeration", "Interest",
           values=["Продукт", "Услуга", "Партнёрство"]),
    ],
    "contact": [
        uf("UF_CRM_1720697698689", "string", "Nickname"),
        uf("UF_CRM_1724412832", "address", "Home address"),
        uf("UF_CRM_1724412833", "date", "Anniversary"),
    ],
    "company": [
        uf("UF_CRM_1687188367", "crm", "Subsidiary", settings={"COMPANY": "Y", "LEAD": None}),
        uf("UF_CRM_64A29A1CD5CC2", "string", "New Field"),
        uf("UF_CRM_1700000101", "integer", "Branches"),
    ],
}

SPA_177_UF = [
    uf("UF_CRM_7_1721812760630", "string", "Serial number"),
    uf("UF_CRM_7_NEW_REST_LIST_2026", "enumeration", "List of Characteristics",
       multiple=True, values=["Heavy", "Fragile", "Oversized"]),
    uf("UF_CRM_7_SUPPLIER", "crm", "Supplier",
       settings={"LEAD": "N", "CONTACT": "N", "COMPANY": "Y", "DEAL": "N"}),
    uf("UF_CRM_7_1721812853419", "datetime", "Delivered at"),
]

ENTITY_IDS = {"deal": "CRM_DEAL", "lead": "CRM_LEAD", "contact": "CRM_CONTACT",
              "company": "CRM_COMPANY"}
ETID = {"lead": 1, "deal": 2, "contact": 3, "company": 4}


def classic_uf_descriptor(f):
    d = {"type": f["type"], "isRequired": False, "isReadOnly": False, "isImmutable": False,
         "isMultiple": f["multiple"], "isDynamic": True}
    if f["list"]:
        d["items"] = [{"ID": i["ID"], "VALUE": i["VALUE"]} for i in f["list"]]
    d.update({"title": f["name"], "listLabel": f["label"], "formLabel": f["label"],
              "filterLabel": f["label"], "settings": f["settings"]})
    return d


def item_uf_descriptor(f):
    d = {"type": f["type"], "isRequired": False, "isReadOnly": False, "isImmutable": False,
         "isMultiple": f["multiple"], "isDynamic": True}
    if f["list"]:
        d["items"] = [{"ID": i["ID"], "VALUE": i["VALUE"]} for i in f["list"]]
    d.update({"title": f["label"], "listLabel": f["label"], "formLabel": f["label"],
              "filterLabel": f["label"], "settings": f["settings"], "upperName": f["name"]})
    return d


def userfield_list_entry(f, entity_id):
    e = {"ID": f["id"], "ENTITY_ID": entity_id, "FIELD_NAME": f["name"],
         "USER_TYPE_ID": f["type"], "XML_ID": None, "SORT": "100",
         "MULTIPLE": "Y" if f["multiple"] else "N", "MANDATORY": "N", "SHOW_FILTER": "E",
         "SHOW_IN_LIST": "Y", "EDIT_IN_LIST": "Y", "IS_SEARCHABLE": "N",
         "SETTINGS": f["settings"], "EDIT_FORM_LABEL": f["label"],
         "LIST_COLUMN_LABEL": f["label"], "LIST_FILTER_LABEL": f["label"],
         "ERROR_MESSAGE": None, "HELP_MESSAGE": None}
    if f["list"]:
        e["LIST"] = f["list"]
    return e


def userfieldconfig_entry(f, entity_id):
    e = {"id": f["id"], "entityId": entity_id, "fieldName": f["name"],
         "userTypeId": f["type"], "xmlId": None, "sort": "100",
         "multiple": "Y" if f["multiple"] else "N", "mandatory": "N", "showFilter": "E",
         "showInList": "Y", "editInList": "Y", "isSearchable": "N",
         "settings": f["settings"], "languageId": {"en": "en"},
         "editFormLabel": {"en": f["label"]}, "listColumnLabel": {"en": f["label"]},
         "listFilterLabel": {"en": f["label"]}, "errorMessage": None, "helpMessage": None}
    if f["list"]:
        e["enum"] = [{"id": i["ID"], "value": i["VALUE"], "def": i["DEF"], "sort": i["SORT"],
                      "xmlId": i["XML_ID"]} for i in f["list"]]
    return e


SPA_PARENT = {
    "type": "crm_entity", "isRequired": False, "isReadOnly": False, "isImmutable": False,
    "isMultiple": False, "isDynamic": False, "title": "Equipment Procurement",
    "settings": {"parentEntityTypeId": 177},
}


def classic_fields(entity):
    fields = load(f"crm.{entity}.fields.json")["result"]
    out = {}
    for name, d in fields.items():
        if d.get("isDynamic") or name.startswith("PARENT_ID_"):
            continue
        out[name] = d
    if entity in ("deal", "company"):
        out["PARENT_ID_177"] = dict(SPA_PARENT)
    for f in USER_FIELDS[entity]:
        out[f["name"]] = classic_uf_descriptor(f)
    return out


def item_fields_from_classic(entity, classic):
    out = {}
    for name, d in classic.items():
        if name in MULTIFIELDS:
            continue
        if d.get("isDynamic"):
            f = next(f for f in USER_FIELDS[entity] if f["name"] == name)
            out[upper_to_camel(name)] = item_uf_descriptor(f)
            continue
        ren = RENAMES.get(entity, {}).get(name) or RENAMES_ALL.get(name)
        camel, upper = ren if ren else (upper_to_camel(name), name)
        item = {}
        for k, v in d.items():
            item[k] = v
        if item["type"] == "char":
            item["type"] = "boolean"
        item["upperName"] = upper
        out[camel] = item
    if entity in ("deal", "lead"):
        out["observers"] = {
            "type": "user", "isRequired": False, "isReadOnly": False, "isImmutable": False,
            "isMultiple": True, "isDynamic": False, "title": "Observers",
            "upperName": "OBSERVERS"}
    return out


def with_time(result, **extra):
    body = {"result": result}
    body.update(extra)
    body["time"] = TIME
    return body


def main():
    OUT.mkdir(exist_ok=True)
    for entity in ("deal", "lead", "contact", "company"):
        classic = classic_fields(entity)
        dump(f"crm.{entity}.fields.json", with_time(classic))
        item = item_fields_from_classic(entity, classic)
        dump(f"crm.item.fields.{ETID[entity]}.json", with_time({"fields": item}))
        ufl = [userfield_list_entry(f, ENTITY_IDS[entity]) for f in USER_FIELDS[entity]]
        dump(f"crm.{entity}.userfield.list.json", with_time(ufl, total=len(ufl)))

    # Smart processes: the system part of the crm.item.fields fixture (an SPA), the parent
    # link to the other SPA instead of one the portal does not have, plus user fields.
    spa_system = load("crm.item.fields.json")["result"]["fields"]
    fragment = load("crm.item.fields.userfields-fragment.json")

    def spa_fields(etid, default_category, ufs):
        out = {}
        for name, d in spa_system.items():
            if name == "parentId1248":
                continue
            d = json.loads(json.dumps(d))
            if d.get("statusType", "").startswith("DYNAMIC_"):
                d["statusType"] = f"DYNAMIC_{etid}_STAGE_{default_category}"
            out[name] = d
        if etid == 1268:
            out["parentId177"] = dict(SPA_PARENT, upperName="PARENT_ID_177")
        out.update(ufs)
        return out

    spa177_ufs = {upper_to_camel(f["name"]): item_uf_descriptor(f) for f in SPA_177_UF}
    dump("crm.item.fields.177.json", with_time({"fields": spa_fields(177, 7, spa177_ufs)}))
    dump("crm.item.fields.1268.json", with_time({"fields": spa_fields(1268, 52, fragment)}))

    # userfieldconfig.list: every CRM user field, camelCase shape of the fixture.
    ufc = []
    for entity in ("lead", "deal", "contact", "company"):
        ufc += [userfieldconfig_entry(f, ENTITY_IDS[entity]) for f in USER_FIELDS[entity]]
    ufc += [userfieldconfig_entry(f, "CRM_7") for f in SPA_177_UF]
    for camel, d in fragment.items():
        f = {"id": next_uf_id(), "name": d["upperName"], "type": d["type"],
             "label": d["title"], "multiple": d["isMultiple"], "settings": d["settings"],
             "list": None}
        if d.get("items"):
            f["list"] = [{"ID": i["ID"], "VALUE": i["VALUE"], "DEF": "N", "SORT": "10",
                          "XML_ID": None} for i in d["items"]]
        ufc.append(userfieldconfig_entry(f, "CRM_44"))
    dump("userfieldconfig.list.json", with_time({"fields": ufc}, total=len(ufc)))

    types = load("crm.type.list.json")["result"]["types"]
    t1 = dict(types[0], id=7, title="Equipment Procurement", code="equipment",
              entityTypeId=177, isCategoriesEnabled="Y", isStagesEnabled="Y")
    t2 = dict(types[1], id=44, title="Delivery Requests", code="delivery",
              entityTypeId=1268, isCategoriesEnabled="N", isStagesEnabled="Y")
    dump("crm.type.list.json", {"result": {"types": [t1, t2]}, "time": TIME, "total": 2})

    dump("crm.category.list.2.json", with_time({"categories": [
        {"id": 0, "name": "General", "sort": 300, "entityTypeId": 2, "isDefault": "Y"},
        {"id": 1, "name": "Newest deals", "sort": 400, "entityTypeId": 2, "isDefault": "N",
         "originId": "", "originatorId": ""},
    ]}, total=2))
    dump("crm.category.list.177.json", with_time({"categories": [
        {"id": 7, "name": "General", "sort": 500, "entityTypeId": 177, "isDefault": "Y",
         "originId": "", "originatorId": ""},
        {"id": 9, "name": "Second pipeline", "sort": 500, "entityTypeId": 177,
         "isDefault": "N", "originId": "", "originatorId": ""},
    ]}, total=2))
    dump("crm.category.list.1268.json", with_time({"categories": [
        {"id": 52, "name": "General", "sort": 500, "entityTypeId": 1268, "isDefault": "Y",
         "originId": "", "originatorId": ""},
    ]}, total=1))

    dump("crm.status.list.json", with_time(statuses(), total=len(statuses())))
    dump("crm.status.entity.types.json", with_time(entity_types()))


STAGES = {
    "process": ["#39A8EF", "#2FC6F6", "#55D0E0", "#47E4C2", "#FFA900"],
}


def status_rows():
    deal0 = load("crm.status.list.json")["result"]
    rows = [dict(r) for r in deal0]

    def add(entity_id, items, category=None, prefix=""):
        for i, it in enumerate(items):
            status_id, name, sem = it if len(it) == 3 else (it[0], it[1], None)
            extra_sem = {None: "process", "S": "success", "F": "failure"}[sem]
            color = {None: "#39A8EF", "S": "#7BD500", "F": "#FF5752"}[sem]
            rows.append({"ID": None, "ENTITY_ID": entity_id,
                         "STATUS_ID": prefix + status_id, "NAME": name, "NAME_INIT": name,
                         "SORT": str((i + 1) * 10), "SYSTEM": "N",
                         "CATEGORY_ID": None if category is None else str(category),
                         "COLOR": color, "SEMANTICS": sem,
                         "EXTRA": {"SEMANTICS": extra_sem, "COLOR": color}})

    add("DEAL_STAGE_1", [("NEW", "New"), ("PREPARATION", "Preparation"),
                         ("WON", "Won", "S"), ("LOSE", "Lost", "F")], 1, "C1:")
    add("STATUS", [("NEW", "Unassigned"), ("IN_PROCESS", "In progress"),
                   ("PROCESSED", "Processed"), ("CONVERTED", "Good lead", "S"),
                   ("JUNK", "Junk lead", "F")])
    for ent, items in SIMPLE_LISTS.items():
        for i, (sid, name) in enumerate(items):
            rows.append({"ID": None, "ENTITY_ID": ent, "STATUS_ID": sid, "NAME": name,
                         "NAME_INIT": name, "SORT": str((i + 1) * 10), "SYSTEM": "N",
                         "CATEGORY_ID": None, "COLOR": None, "SEMANTICS": None})
    spa = [("NEW", "Start"), ("PREPARATION", "Preparation"), ("CLIENT", "Client"),
           ("SUCCESS", "Success", "S"), ("FAIL", "Fail", "F")]
    add("DYNAMIC_177_STAGE_7", spa, 7, "DT177_7:")
    add("DYNAMIC_177_STAGE_9", spa[:2] + spa[3:], 9, "DT177_9:")
    add("DYNAMIC_1268_STAGE_52", spa, 52, "DT1268_52:")
    next_id = 1001
    for r in rows:
        if r["ID"] is None:
            r["ID"] = str(next_id)
            next_id += 2
    return rows


SIMPLE_LISTS = {
    "SOURCE": [("CALL", "Call"), ("EMAIL", "E-Mail"), ("WEB", "Website"),
               ("ADVERTISING", "Advertising"), ("PARTNER", "Existing client"),
               ("RECOMMENDATION", "By recommendation"), ("TRADE_SHOW", "Show/Exhibition"),
               ("CALLBACK", "Callback"), ("OTHER", "Other")],
    "DEAL_TYPE": [("SALE", "Sales"), ("COMPLEX", "Integrated sale"), ("GOODS", "Merchandise"),
                  ("SERVICES", "Service sales"), ("SERVICE", "After-sales service")],
    "CONTACT_TYPE": [("CLIENT", "Clients"), ("SUPPLIER", "Suppliers"),
                     ("PARTNER", "Partners"), ("OTHER", "Other")],
    "COMPANY_TYPE": [("CUSTOMER", "Client"), ("SUPPLIER", "Supplier"),
                     ("COMPETITOR", "Competitor"), ("PARTNER", "Partner"), ("OTHER", "Other")],
    "INDUSTRY": [("IT", "Information Technology"), ("TELECOM", "Telecommunication"),
                 ("MANUFACTURING", "Manufacturing"), ("BANKING", "Banking Services"),
                 ("CONSULTING", "Consulting"), ("DELIVERY", "Delivery"), ("OTHER", "Other")],
    "EMPLOYEES": [("EMPLOYEES_1", "less than 50"), ("EMPLOYEES_2", "50-250"),
                  ("EMPLOYEES_3", "250-500"), ("EMPLOYEES_4", "over 500")],
    "HONORIFIC": [("HNR_EN_1", "Mr."), ("HNR_EN_2", "Mrs."), ("HNR_EN_3", "Ms."),
                  ("HNR_EN_4", "Dr.")],
}

_STATUSES = []


def statuses():
    if not _STATUSES:
        _STATUSES.extend(status_rows())
    return _STATUSES


def entity_types():
    fixture = load("crm.status.entity.types.json")["result"]
    keep = ["STATUS", "SOURCE", "CONTACT_TYPE", "COMPANY_TYPE", "EMPLOYEES", "INDUSTRY",
            "DEAL_TYPE", "DEAL_STAGE_1", "DEAL_STAGE", "HONORIFIC"]
    out = [e for e in fixture if e["ID"] in keep]
    for etid, cats in ((177, [(7, "General", True), (9, "Second pipeline", False)]),
                       (1268, [(52, "General", True)])):
        title = "Equipment Procurement" if etid == 177 else "Delivery Requests"
        for cid, cname, default in cats:
            out.append({"ID": f"DYNAMIC_{etid}_STAGE_{cid}", "NAME": f"{title} ({cname})",
                        "SEMANTIC_INFO": [], "PREFIX": f"DT{etid}_{cid}",
                        "FIELD_ATTRIBUTE_SCOPE": f"category_{cid}", "ENTITY_TYPE_ID": etid,
                        "IS_ENABLED": True, "CATEGORY_ID": cid, "CATEGORY_NAME": cname,
                        "CATEGORY_SORT": 500, "IS_DEFAULT_CATEGORY": default})
    return out


if __name__ == "__main__":
    main()
